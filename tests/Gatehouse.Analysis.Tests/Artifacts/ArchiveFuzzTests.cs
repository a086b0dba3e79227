using System.Diagnostics;
using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Analysis.Tests.Artifacts.ArchiveSamples;

namespace Gatehouse.Analysis.Tests.Artifacts;

public sealed class ArchiveFuzzTests
{
    private const ulong DefaultSeed = 0x6A7E_4053_2026_0003;
    private const int DefaultIterations = 2000;

    // Longer or different runs without editing the test: GATEHOUSE_FUZZ_ITERATIONS=100000 GATEHOUSE_FUZZ_SEED=42.
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("GATEHOUSE_FUZZ_ITERATIONS"), out var n) ? n : DefaultIterations;
    private static readonly ulong Seed = ulong.TryParse(Environment.GetEnvironmentVariable("GATEHOUSE_FUZZ_SEED"), out var s) ? s : DefaultSeed;

    /// <summary>xorshift64* (Vigna): tiny, seeded, reproducible; System.Random is banned in this repo.</summary>
    private sealed class XorShift(ulong seed)
    {
        private ulong _state = seed == 0 ? 1 : seed;

        public ulong Next()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 0x2545F4914F6CDD1DUL;
        }

        public int Below(int bound) => bound <= 0 ? 0 : (int)(Next() % (ulong)bound);
    }

    private static byte[][] Seeds()
    {
        var text = Utf8(string.Concat(Enumerable.Repeat("hello archive walker ", 200)));
        var zip = Zip(("a.txt", text), ("dir/b.bin", [1, 2, 3, 4, 5]), ("inner.tgz", TarGz(("c.txt", Utf8("c")))));
        var tgz = TarGz(("pkg/package.json", Utf8("{\"name\":\"x\"}")), ("pkg/index.js", text), ("pkg/n.zip", Zip(("d.txt", Utf8("d")))));
        var zip64 = new ZipBuilder()
            .Add("a.txt", text, new ZipEntrySpec { Zip64 = true })
            .Add("b.txt", "bee", new ZipEntrySpec { Zip64 = true, Deflate = false })
            .ToArray(zip64: true);
        return [zip, tgz, zip64];
    }

    private static byte[] Mutate(byte[] input, XorShift rng)
    {
        var data = new List<byte>(input);
        var mutations = 1 + rng.Below(4);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            switch (rng.Below(5))
            {
                case 0: // bit flip
                    var i = rng.Below(data.Count);
                    data[i] ^= (byte)(1 << rng.Below(8));
                    break;
                case 1: // truncation
                    var keep = rng.Below(data.Count);
                    data.RemoveRange(keep, data.Count - keep);
                    break;
                case 2: // insertion of random bytes
                    var at = rng.Below(data.Count + 1);
                    var count = 1 + rng.Below(16);
                    for (var k = 0; k < count; k++) data.Insert(at, (byte)rng.Next());
                    break;
                case 3: // an "interesting" 32-bit value over a size/offset field
                    var pos = rng.Below(Math.Max(1, data.Count - 4));
                    uint[] interesting = [0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFF, 0x80000000];
                    var v = interesting[rng.Below(interesting.Length)];
                    for (var k = 0; k < 4 && pos + k < data.Count; k++) data[pos + k] = (byte)(v >> (8 * k));
                    break;
                default: // random byte overwrite
                    data[rng.Below(data.Count)] = (byte)rng.Next();
                    break;
            }
        }
        return [.. data];
    }

    [Fact]
    public async Task Two_thousand_seeded_mutations_of_valid_archives_never_escape_the_walker()
    {
        var seeds = Seeds();
        var rng = new XorShift(Seed);
        var policy = new Policy
        {
            MaxEntryUncompressedBytes = 1 << 20,
            MaxTotalUncompressedBytes = 4 << 20,
            MaxCompressionRatio = 100,
            MaxNestingDepth = 3,
            MaxEntryCount = 200,
            MaxScanTime = TimeSpan.FromSeconds(2),
        };
        var temp = Path.Combine(Path.GetTempPath(), "gatehouse-fuzz-" + Guid.NewGuid().ToString("N"));
        var walker = new ArchiveWalker(policy, temp);
        var total = Stopwatch.StartNew();
        var findings = 0;
        try
        {
            for (var i = 0; i < Iterations; i++)
            {
                var input = Mutate(seeds[i % seeds.Length], rng);
                var root = new ScanFile
                {
                    Path = $"fuzz{i}.bin",
                    Depth = 0,
                    Length = input.Length,
                    Sha256 = Sha256(input),
                    Open = () => new MemoryStream(input, writable: false),
                };
                var one = Stopwatch.StartNew();
                try
                {
                    await walker.WalkAsync(root, async (f, ct) =>
                    {
                        using var s = f.Open();
                        await s.CopyToAsync(Stream.Null, ct);
                    }, _ => findings++, CancellationToken.None);
                }
                catch (Exception e)
                {
                    Assert.Fail($"iteration {i} (seed {Seed:x}) escaped: {e}");
                }
                Assert.True(one.Elapsed < TimeSpan.FromSeconds(4), $"iteration {i} took {one.Elapsed}");
                Assert.Empty(Directory.GetFileSystemEntries(temp));
            }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        Assert.True(findings > 0, "mutations should produce findings");
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(20) * Math.Max(1, Iterations / DefaultIterations), $"fuzz run took {total.Elapsed}");
    }
}
