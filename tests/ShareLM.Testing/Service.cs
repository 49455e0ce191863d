namespace ShareLM.Testing;

public enum Service { Ingest, Retention, Catalog }
