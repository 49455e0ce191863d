using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace ShareLM.Ingest.Http;

/// <summary>
/// Says what is wrong with a body that System.Text.Json refused, in the API's own terms: the field's JSON name
/// and the kind of value it takes ("must be a string"), never the .NET type names the serializer's messages
/// carry (they mean nothing to a client and describe our internals).
/// </summary>
public static partial class JsonProblemText
{
    public static string Describe(JsonException e, Type bodyType, JsonSerializerOptions options)
    {
        var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
        var message = e.Message;
        if (Unmapped().Match(message) is { Success: true } unmapped)
            return $"'{unmapped.Groups[1].Value}' is not a field of this body.";
        if (Duplicate().Match(message) is { Success: true } duplicate)
            return $"'{duplicate.Groups[1].Value}' appears more than once.";
        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
            return $"The body nests deeper than {options.MaxDepth} levels.";
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return path == "$"
                ? "The body must be a JSON object."
                : $"'{path}' must be {Expected(ExpectedType(bodyType, path, options), options)}.";
        // What remains are the reader's syntax errors ("'x' is an invalid start of a value."), which name no type;
        // anything else is not echoed.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = (cut > 0 ? message[..cut] : message).Trim();
        var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1})" : "";
        return text.Contains("type '", StringComparison.Ordinal) || text.Contains("System.", StringComparison.Ordinal)
            ? $"The body is not valid for this endpoint at '{path}'."
            : $"The body is not valid JSON{where}: {text}";
    }

    /// <summary>The type a JSON path leads to in the body type, by the serializer's own contract (JSON names,
    /// element types); null when the path leaves what the contract describes.</summary>
    public static Type? ExpectedType(Type bodyType, string path, JsonSerializerOptions options)
    {
        Type? type = bodyType;
        foreach (Match segment in Segment().Matches(path))
        {
            if (type is null) return null;
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            if (segment.Groups["index"].Success)
                type = info.Kind == JsonTypeInfoKind.Enumerable ? info.ElementType : null;
            else
            {
                var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
                type = info.Kind switch
                {
                    JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType,
                    JsonTypeInfoKind.Dictionary => info.ElementType,
                    _ => null,
                };
            }
        }
        return type;
    }

    static string Expected(Type? type, JsonSerializerOptions options)
    {
        if (type is null) return "a value of another type";
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) return Expected(underlying, options) + " or null";
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "an ISO 8601 date-time string";
        if (type == typeof(Guid)) return "a UUID string";
        if (type == typeof(JsonElement)) return "a JSON value";
        return options.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ => "a value of another type",
        };
    }

    [GeneratedRegex(@"^The JSON property '(.*)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"^Duplicate property '(.*)' encountered")]
    private static partial Regex Duplicate();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex Segment();
}
