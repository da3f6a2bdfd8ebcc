# The everyday commands. `make demo` and `make test` are the README's quick start.
.PHONY: demo test up lint format check bench

demo:  ## set up and run the app with reference and demo data
	scripts/demo.sh

test:  ## set up and run the whole test suite (PostgreSQL, Redis, Chromium)
	scripts/test.sh

up:  ## the production shape on one machine: gunicorn, Celery worker and beat (PostgreSQL, Redis)
	scripts/up.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check:  ## what CI checks besides the tests
	bash .ci/run --no-tests

bench:
	.venv/bin/python benchmarks/engine.py
	.venv/bin/python benchmarks/programme.py
	.venv/bin/python benchmarks/eligibility.py
	.venv/bin/python benchmarks/import.py
	.venv/bin/python benchmarks/pages.py
	.venv/bin/python benchmarks/pack.py
