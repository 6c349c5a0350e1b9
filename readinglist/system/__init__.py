"""The machine: where libraries and the sample live, and writing files atomically."""
