using System.Diagnostics;
using ShareLM.Conversations.Language;

namespace ShareLM.Retention.Publication;

/// <summary>
/// Loads the language models (seconds of work, once per process) when the service starts, in the background, so
/// that the first publication does not wait for them.
/// </summary>
public sealed class LanguageModelWarmup(LanguageDetector languages, ILogger<LanguageModelWarmup> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        var started = Stopwatch.GetTimestamp();
        languages.Detect("Loading the models for short text.");
        logger.LogInformation("Language models ({Accuracy} accuracy) loaded in {Seconds:F1} s", languages.Accuracy, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }, stoppingToken);
}
