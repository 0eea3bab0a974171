"""The shapes of the API's answers that services build as plain dicts (analyses, forecasts, previews, boards).

The models document those answers in the OpenAPI document, one module per group of routes; `base` holds what
they share. Routes name them as `response_model` with `response_model_exclude_unset=True`."""
