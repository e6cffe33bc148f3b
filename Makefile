# Thin wrappers around scripts/run.sh, which sets up .venv from constraints.txt when needed.
.PHONY: reproduce verify test bench lint

reproduce:
	bash scripts/run.sh reproduce

verify:
	bash scripts/run.sh verify

test:
	bash scripts/run.sh test

bench:
	bash scripts/run.sh bench

lint:
	bash scripts/run.sh lint
