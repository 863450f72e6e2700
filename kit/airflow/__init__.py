"""canais-kit on Apache Airflow 3: one static DAG, the kit's CLI as the task contract.

* :mod:`kit.airflow.dag` - the DAG (runs in Airflow's virtualenv; imports Airflow
  and :mod:`kit.airflow.tasks` only).
* :mod:`kit.airflow.tasks` - what its tasks do (standard library only).
* :mod:`kit.airflow.files` - ``kit schedule --airflow DIR``: the loader for
  Airflow's dags folder, the pools file and the connections template (runs in
  the kit's virtualenv).

Airflow never shares the kit's virtualenv (``make airflow-deps`` installs it
from ``requirements-airflow.lock`` into ``.airflow-venv``). This package's
``__init__`` must stay import-free: Airflow imports it.
"""
