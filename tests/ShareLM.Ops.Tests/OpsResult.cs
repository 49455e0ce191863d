namespace ShareLM.Ops.Tests;

public sealed record OpsResult(int ExitCode, string Output, string Error);
