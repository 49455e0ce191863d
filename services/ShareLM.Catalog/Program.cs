ShareLM.Catalog.CatalogApp.Build(args).Run();
