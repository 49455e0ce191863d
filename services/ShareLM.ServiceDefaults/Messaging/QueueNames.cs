namespace ShareLM.ServiceDefaults.Messaging;

/// <summary>
/// Every queue a ShareLM service consumes, in one place: the services bind their consumers to these names, and
/// the operator tool and the tests address them. Each queue has an exchange of the same name.
/// </summary>
public static class QueueNames
{
    /// <summary>The PostgreSQL-backed scheduler endpoint (MassTransit's ScheduleSend and scheduled redelivery).</summary>
    public const string Scheduler = "sharelm-scheduler";
    /// <summary>Holds to schedule (HoldsStarted).</summary>
    public const string Holds = "sharelm-retention-holds";
    /// <summary>Holds that ended (PublishConversation) and publish-now requests.</summary>
    public const string Publication = "sharelm-retention-publication";
    /// <summary>Erasure requests.</summary>
    public const string Erasure = "sharelm-retention-erasure";
    /// <summary>Operators' requests to Retention (hold reconciliation).</summary>
    public const string RetentionOperations = "sharelm-retention-operations";

    /// <summary>Where to send a message for <paramref name="queue"/>.</summary>
    public static Uri Address(string queue) => new($"exchange:{queue}");
}
