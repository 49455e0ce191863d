using Microsoft.Extensions.Options;

namespace ShareLM.Catalog.Tests;

/// <summary>The release secret fails closed: outside Development the Catalog does not start without one of its own.</summary>
public sealed class ReleaseSecretTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("too-short")]
    public async Task Outside_development_the_catalog_refuses_to_start_without_a_release_secret(string? secret)
    {
        string[] args = ["--environment=Production", "--urls=http://127.0.0.1:0", "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=1;Database=none",
            .. secret is null ? Array.Empty<string>() : [$"--Catalog:ReleaseSecret={secret}"]];
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = CatalogApp.Build(args);
            await app.StartAsync();
        });
        Assert.Contains("ReleaseSecret", failure.Message);
    }
}
