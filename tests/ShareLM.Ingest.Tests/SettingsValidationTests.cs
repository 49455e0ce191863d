using Microsoft.Extensions.Options;

namespace ShareLM.Ingest.Tests;

/// <summary>A setting out of its range stops the service when it starts, naming the setting, before it serves anything.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("--Ingest:ContributorRequestsPerMinute=0", "ContributorRequestsPerMinute")]
    [InlineData("--Ingest:Writer:Writers=0", "Writers")]
    [InlineData("--Retention:HoldWindow=-00:00:01", "HoldWindow")]
    [InlineData("--EventStore:DaemonPollInterval=00:00:00", "DaemonPollInterval")]
    [InlineData("--Http:MaxRequestBodyBytes=10", "MaxRequestBodyBytes")]
    public async Task A_setting_out_of_range_stops_the_service_at_start_with_its_name(string setting, string name)
    {
        // Some settings are read while the host is built (Kestrel's limits), the rest when it starts: either way it never runs.
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = IngestApp.Build([setting, "--urls=http://127.0.0.1:0"]);
            await app.StartAsync();
        });
        Assert.Contains(name, failure.Message);
    }
}
