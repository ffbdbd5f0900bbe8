"""Scenario adapters: one file per model, named as the model's key in a scenario's
``models:`` section and in results.json.  The list of models is :data:`sim.registry.MODELS`;
files starting with ``_`` hold what several adapters share."""
