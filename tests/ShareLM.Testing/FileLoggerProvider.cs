using Microsoft.Extensions.Logging;

namespace ShareLM.Testing;

/// <summary>Writes a service's warnings and errors to a file, for reading after a failed test.</summary>
public sealed class FileLoggerProvider(string path, string prefix) : ILoggerProvider
{
    static readonly Lock Gate = new();

    public ILogger CreateLogger(string categoryName) => new FileLogger(path, prefix, categoryName);

    public void Dispose() { }

    sealed class FileLogger(string path, string prefix, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {prefix} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception)}\n";
            lock (Gate)
            {
                try { File.AppendAllText(path, line); } catch (IOException) { }
            }
        }
    }
}
