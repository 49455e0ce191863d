ShareLM.Retention.RetentionApp.Build(args).Run();
