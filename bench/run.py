"""Benchmarks live here; each capability adds its workload. See docs/architecture.md."""

import sys

if __name__ == "__main__":
    print("No benchmark yet.")
    sys.exit(0)
