using Gatehouse.Server.Advisories;

namespace Gatehouse.Server.Tests.Advisories;

/// <summary>What <c>Advisories:Sources</c> accepts and how a source is shown, without a host.</summary>
public sealed class AdvisorySourceTests
{
    [Theory]
    [InlineData("/srv/osv")]
    [InlineData("https://osv-mirror.example/npm/all.zip")]
    [InlineData("http://mirror.internal:8080/osv/all.zip")]
    public void Absolute_paths_and_http_urls_are_sources(string text) =>
        Assert.NotNull(AdvisorySource.TryParse(text, out _));

    [Theory]
    [InlineData("osv")]
    [InlineData("ftp://mirror/all.zip")]
    [InlineData("file:///srv/osv/all.zip")]
    [InlineData("")]
    public void Relative_paths_and_other_schemes_are_refused_at_start(string text)
    {
        Assert.Null(AdvisorySource.TryParse(text, out var problem));
        Assert.NotNull(problem);
        var validation = new AdvisoriesOptionsValidator().Validate(null, new AdvisoriesOptions { Sources = [text] });
        Assert.True(validation.Failed);
    }

    [Fact]
    public void A_url_is_shown_without_its_credentials_or_query()
    {
        var source = AdvisorySource.TryParse("https://bot:s3cret@mirror.example/osv/npm/all.zip?token=abc", out _)!;
        Assert.Equal("https://mirror.example/osv/npm/all.zip?…", source.Display);
        Assert.DoesNotContain("s3cret", source.Display, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", source.Display, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schedule_without_sources_is_refused_and_off_is_the_default()
    {
        Assert.True(new AdvisoriesOptionsValidator().Validate(null, new AdvisoriesOptions { ImportInterval = TimeSpan.FromHours(6) }).Failed);
        Assert.True(new AdvisoriesOptionsValidator().Validate(null, new AdvisoriesOptions()).Succeeded);
        Assert.Equal(TimeSpan.Zero, new AdvisoriesOptions().ImportInterval);
    }
}
