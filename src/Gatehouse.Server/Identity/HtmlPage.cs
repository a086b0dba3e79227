using System.Text.Encodings.Web;

namespace Gatehouse.Server.Identity;

/// <summary>
/// Minimal server-rendered pages (login, account). Every dynamic value goes through <see cref="E"/>;
/// the layout has no inline script or style, so the CSP needs no <c>unsafe-inline</c>.
/// </summary>
internal static class HtmlPage
{
    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static IResult Render(string title, string body, int status = 200) =>
        Results.Content($"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} · Gatehouse</title></head>
            <body>
            <header><strong>Gatehouse</strong></header>
            <main>
            <h1>{E(title)}</h1>
            {body}
            </main>
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
}
