"""The security gates `make synth` runs and `make test` enforces: each counts findings,
acknowledged ones (each with its reason in one place) and failing ones."""
