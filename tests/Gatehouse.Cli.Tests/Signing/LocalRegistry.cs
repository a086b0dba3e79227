using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Cli.Tests.Signing;

/// <summary>
/// Debian's docker-registry on 127.0.0.1 and a free port, with a throw-away storage folder; images and cosign signatures are
/// pushed through the distribution API (monolithic blob uploads, manifest PUT), as cosign and the registry publisher do.
/// </summary>
internal sealed class LocalRegistry : IDisposable
{
    private readonly Process _process;
    private readonly string _root = Directory.CreateTempSubdirectory("gh-cli-registry-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public LocalRegistry()
    {
        Host = $"127.0.0.1:{SigningFiles.FreePort()}";
        var config = Path.Combine(_root, "registry.yml");
        File.WriteAllText(config, $"version: 0.1\nlog: {{ level: error }}\nstorage:\n  filesystem: {{ rootdirectory: {Path.Combine(_root, "data")} }}\nhttp:\n  addr: {Host}\n");
        var psi = new ProcessStartInfo("docker-registry") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(config);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        for (var i = 0; ; i++)
        {
            try
            {
                using var r = _http.GetAsync($"http://{Host}/v2/").GetAwaiter().GetResult();
                if (r.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) { }
            if (_process.HasExited || i > 100) throw new InvalidOperationException("docker-registry did not start");
            Thread.Sleep(50);
        }
    }

    public string Host { get; }

    /// <summary>Uploads a blob; returns its digest.</summary>
    public async Task<string> PushBlobAsync(string repo, byte[] bytes)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var start = await _http.PostAsync($"http://{Host}/v2/{repo}/blobs/uploads/", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
        var location = new Uri(new Uri($"http://{Host}/"), start.Headers.Location!);
        var put = new UriBuilder(location) { Query = (location.Query.TrimStart('?') is { Length: > 0 } q ? q + "&" : "") + "digest=" + Uri.EscapeDataString(digest) }.Uri;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = await _http.PutAsync(put, content);
        Assert.Equal(System.Net.HttpStatusCode.Created, done.StatusCode);
        return digest;
    }

    /// <summary>Puts an OCI manifest under <paramref name="tag"/>; returns its digest.</summary>
    public async Task<string> PushManifestAsync(string repo, string tag, string manifest)
    {
        var bytes = Encoding.UTF8.GetBytes(manifest);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var response = await _http.PutAsync($"http://{Host}/v2/{repo}/manifests/{tag}", content);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>A small single-layer image; returns its manifest digest.</summary>
    public async Task<string> PushImageAsync(string repo, string tag, string content)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        var layer = Encoding.UTF8.GetBytes(content);
        var c = await PushBlobAsync(repo, config);
        var l = await PushBlobAsync(repo, layer);
        return await PushManifestAsync(repo, tag, $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{c}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{l}}","size":{{layer.Length}}}]}
            """);
    }

    /// <summary>Pushes cosign's legacy signature manifest (<c>sha256-&lt;hex&gt;.sig</c>) for <paramref name="imageDigest"/>: one layer per (payload, signature).</summary>
    public async Task PushCosignSignatureAsync(string repo, string imageDigest, params (byte[] Payload, string Signature)[] signatures)
    {
        var layers = new List<string>();
        foreach (var (payload, signature) in signatures)
        {
            var d = await PushBlobAsync(repo, payload);
            layers.Add("{\"mediaType\":\"" + Gatehouse.Analysis.Signing.CosignSignature.LayerMediaType + "\",\"digest\":\"" + d + "\",\"size\":" + payload.Length
                + ",\"annotations\":{\"" + Gatehouse.Analysis.Signing.CosignSignature.SignatureAnnotation + "\":\"" + signature + "\"}}");
        }
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        var c = await PushBlobAsync(repo, config);
        await PushManifestAsync(repo, Gatehouse.Analysis.Signing.CosignSignature.SignatureTag(imageDigest), $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{c}}","size":{{config.Length}}},
             "layers":[{{string.Join(',', layers)}}]}
            """);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            try { Directory.Delete(_root, true); } catch (IOException) { }
        }
    }
}
