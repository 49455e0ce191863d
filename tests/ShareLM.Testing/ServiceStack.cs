namespace ShareLM.Testing;

/// <summary>The three services in-process against one <see cref="IsolatedEnvironment"/>.</summary>
public sealed class ServiceStack : IAsyncDisposable
{
    readonly Dictionary<Service, ServiceHost> _hosts = new();

    public required IsolatedEnvironment Environment { get; init; }
    public required StackOptions Options { get; init; }
    public required string LogFile { get; init; }

    public ServiceHost this[Service service] => _hosts[service];
    public HttpClient Ingest { get; private set; } = null!;
    public HttpClient Catalog { get; private set; } = null!;

    public Dictionary<string, string?> Settings => Environment.ServiceSettings(Options.HoldWindow, Options.LegacyHoldWindow).With(Options.Settings);

    public static async Task<ServiceStack> StartAsync(IsolatedEnvironment environment, StackOptions? options = null)
    {
        var stack = new ServiceStack
        {
            Environment = environment,
            Options = options ?? new StackOptions(),
            LogFile = Path.Combine(Path.GetTempPath(), $"sharelm-test-{environment.Name}.log"),
        };
        // One at a time: the first creates the schema (Marten serialises migrations with a lock anyway).
        foreach (var service in stack.Options.Services) await stack.StartAsync(service);
        return stack;
    }

    public async Task StartAsync(Service service)
    {
        if (_hosts.TryGetValue(service, out var existing) && existing.Running) return;
        var configure = Options.Configure;
        if (_hosts.TryGetValue(service, out existing))
        {
            await existing.StartAsync(Settings, b => configure?.Invoke(service, b), LogFile);
        }
        else
        {
            _hosts[service] = await ServiceHost.StartAsync(service, Settings, b => configure?.Invoke(service, b), LogFile);
        }
        if (service == Service.Ingest) Ingest = _hosts[service].CreateClient();
        if (service == Service.Catalog) Catalog = _hosts[service].CreateClient();
    }

    /// <summary>
    /// Another instance of <paramref name="service"/> beside the stack's (scale-out, or a host a test shuts down
    /// itself), with the stack's settings and <paramref name="overrides"/>; the caller disposes it.
    /// </summary>
    public Task<ServiceHost> StartInstanceAsync(Service service, IReadOnlyDictionary<string, string?>? overrides = null) =>
        ServiceHost.StartAsync(service, Settings.With(overrides ?? new Dictionary<string, string?>()), b => Options.Configure?.Invoke(service, b), LogFile);

    public Task StopAsync(Service service) => _hosts.TryGetValue(service, out var host) ? host.StopAsync() : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values.Reverse()) await host.DisposeAsync();
        Ingest?.Dispose();
        Catalog?.Dispose();
    }
}
