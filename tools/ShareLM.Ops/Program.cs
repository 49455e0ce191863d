using ShareLM.Ops;

try
{
    return await OpsCli.Build(OpsContext.FromEnvironment).Parse(args).InvokeAsync();
}
catch (Exception e) when (e is not OperationCanceledException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
