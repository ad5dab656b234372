# Convenience aliases for the two commands of the README (dev.py needs only Python 3).
.PHONY: lab test
lab:
	python3 dev.py lab
test:
	python3 dev.py test
