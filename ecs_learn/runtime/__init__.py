"""The runtime: the mocked account acts as AWS documents it (see docs/runtime.md)."""
