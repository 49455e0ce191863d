using JasperFx;
using JasperFx.Events.Daemon;
using Microsoft.Extensions.Options;

namespace ShareLM.ServiceDefaults.EventStore;

/// <summary>
/// Starts again a daemon agent (the Catalog's projection, Ingest's relay) that Marten stopped for good on the node
/// that leads it. Marten pauses an agent after most failures, and its leader starts a paused one again; but an agent
/// whose progression moved under it (<see cref="ProgressionProgressOutOfOrderException"/>: another node ran the same
/// shard for a moment, as when two instances both lead just after a database restart) is stopped, and the leader
/// never starts a stopped agent again, so the feed or the relay would stand still until the process restarts.
/// Starting it again is safe: it resumes from the committed progression, and a batch commits only together with
/// its progression, and only if that has not moved. Only the node that holds the shard's lock does it, so a node
/// that lost the lead does not compete with the one that has it.
/// </summary>
public sealed class StoppedAgentRestarter(IProjectionCoordinator coordinator, IOptions<EventStoreOptions> settings, TimeProvider clock,
    ILogger<StoppedAgentRestarter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = settings.Value.StoppedAgentCheckInterval;
        if (interval <= TimeSpan.Zero || coordinator is not ProjectionCoordinatorBase { Distributor: { } distributor }) return;
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RestartStoppedAgentsAsync(distributor, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not check the event store daemon's agents; next check in {Interval}", interval);
            }
        }
    }

    async Task RestartStoppedAgentsAsync(IProjectionDistributor distributor, CancellationToken cancellationToken)
    {
        foreach (var set in await distributor.BuildDistributionAsync())
        {
            if (!distributor.HasLock(set)) continue;
            var daemon = await coordinator.DaemonForDatabase(set.Database.Identifier);
            foreach (var agent in daemon.CurrentAgents().Where(a => a.Status == AgentStatus.Stopped && set.Names.Contains(a.Name)))
            {
                logger.LogWarning("The event store agent {Shard} was stopped at {Position} ({Failure}: {Reason}); this node leads it, so it starts again",
                    agent.Name.Identity, agent.Position, agent.Failure?.ExceptionType ?? "no failure recorded", agent.Failure?.Message);
                await daemon.StartAgentAsync(agent.Name.Identity, cancellationToken);
            }
        }
    }
}
