namespace Gatehouse.Analysis.Tests.Usage;

/// <summary>
/// A tiny seeded PRNG (SplitMix64, Steele/Lea/Flood 2014) so the simulated traffic is the same on every run and every
/// platform; <c>new Random(seed)</c> is banned and its sequence is not specified across .NET versions anyway.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1), from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A double in [min, max).</summary>
    public double Between(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>An int in [0, max).</summary>
    public int Next(int max) => (int)(NextUInt64() % (ulong)max);
}
