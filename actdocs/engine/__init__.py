"""The engine: the artifact record, the cached build, its keys, manifest and order, the
errors the command line reports and the device choice. It knows nothing of activations."""
