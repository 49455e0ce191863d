ShareLM.Ingest.IngestApp.Build(args).Run();
