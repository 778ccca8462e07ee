"""Stock write use cases, one module per topic: levels, holds, till sales, settings."""
