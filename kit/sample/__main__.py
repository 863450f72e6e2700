"""``python -m kit.sample --write DIR``: write the sample set into DIR."""

from kit.sample.sampleset import _main

raise SystemExit(_main())
