using System.Text.Json;

namespace LogoutEnricher.Hosting.Hardening;

/// <summary>
/// JSON that can be read to the end. A parser accepts JSON whose strings are not valid text (invalid UTF-8 bytes, or a
/// JSON-escaped lone surrogate such as <c>"\ud800"</c>); reading such a string later throws. Input from the network
/// (logout tokens, client assertions, token responses) is checked whole, once, before any of it is used.
/// </summary>
internal static class ReadableJson
{
    /// <returns>The document when <paramref name="utf8"/> is valid UTF-8 and JSON whose every name and string reads as
    /// text; otherwise null.</returns>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> utf8, JsonDocumentOptions options = default)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, options);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: the duplicate-name check read a name that cannot be decoded.
            return null;
        }

        if (IsReadable(document.RootElement))
        {
            return document;
        }

        document.Dispose();
        return null;
    }

    /// <summary>Whether every property name and string value below <paramref name="element"/> reads as text.</summary>
    public static bool IsReadable(JsonElement element)
    {
        try
        {
            return Walk(element);
        }
        catch (InvalidOperationException)
        {
            // GetString and Name throw this for text that cannot be transcoded to UTF-16.
            return false;
        }
    }

    private static bool Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                return true;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    if (!Walk(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!Walk(item))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }
}
