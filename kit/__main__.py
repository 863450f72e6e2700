from kit.cli import run

run()
