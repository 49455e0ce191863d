using System.CommandLine;
using ShareLM.Ops.Conversations;
using ShareLM.Ops.Holds;
using ShareLM.Ops.Import;
using ShareLM.Ops.Projections;
using ShareLM.Ops.Reports;
using ShareLM.Ops.Status;
using ShareLM.Ops.Streams;

namespace ShareLM.Ops;

/// <summary>
/// The operator command line. Settings come from the environment, as for the services:
/// ConnectionStrings__Postgres, ConnectionStrings__RabbitMq, RabbitMq__ManagementUrl, Catalog__ReleaseSecret
/// (deploy/local/ops.sh sets them for the local deployment).
/// </summary>
public static class OpsCli
{
    public static RootCommand Build(Func<OpsContext> context) => new("sharelm-ops: operate a ShareLM deployment")
    {
        ProjectionCommands.Build(context),
        StreamCommands.Build(context),
        ConversationCommands.Build(context),
        HoldCommands.Build(context),
        StatusCommand.Build(context),
        ImportCommand.Build(context),
        ReportCommands.Build(context),
    };
}
