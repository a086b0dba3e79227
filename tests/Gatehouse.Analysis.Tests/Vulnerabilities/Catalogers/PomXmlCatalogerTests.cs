using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

public sealed class PomXmlCatalogerTests
{
    private static List<string> Purls(string xml, out string? problem) =>
        PomXmlCataloger.Parse(xml, "app.zip!/pom.xml", out problem).Select(p => p.Purl.ToString()).ToList();

    private const string Pom = """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent><groupId>com.acme</groupId><artifactId>parent</artifactId><version>3.1.0</version></parent>
          <artifactId>shop</artifactId>
          <properties>
            <jackson.version>2.15.2</jackson.version>
            <log4j.version>${log4j.base}.1</log4j.version>
            <log4j.base>2.17</log4j.base>
          </properties>
          <dependencyManagement><dependencies>
            <dependency><groupId>org.yaml</groupId><artifactId>snakeyaml</artifactId><version>2.2</version></dependency>
          </dependencies></dependencyManagement>
          <dependencies>
            <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>${jackson.version}</version></dependency>
            <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${log4j.version}</version></dependency>
            <dependency><groupId>${project.groupId}</groupId><artifactId>shop-api</artifactId><version>${project.version}</version></dependency>
            <dependency><groupId>org.yaml</groupId><artifactId>snakeyaml</artifactId></dependency>
            <dependency><groupId>org.springframework</groupId><artifactId>spring-core</artifactId><version>${spring.version}</version></dependency>
            <dependency><groupId>commons-io</groupId><artifactId>commons-io</artifactId></dependency>
            <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>[30.0,33.0)</version></dependency>
            <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>
          </dependencies>
          <build><plugins><plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>3.3.0</version></plugin></plugins></build>
        </project>
        """;

    [Fact]
    public void The_project_and_its_direct_dependencies_with_versions_the_pom_settles_itself_are_listed()
    {
        Assert.Equal(
            ["pkg:maven/com.acme/shop@3.1.0",
             "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2", "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
             "pkg:maven/com.acme/shop-api@3.1.0", "pkg:maven/org.yaml/snakeyaml@2.2"],
            Purls(Pom, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Unknown_properties_missing_versions_ranges_test_scope_and_plugins_are_skipped_not_guessed()
    {
        var purls = Purls(Pom, out _);

        Assert.DoesNotContain(purls, p => p.Contains("spring-core", StringComparison.Ordinal));
        Assert.DoesNotContain(purls, p => p.Contains("commons-io", StringComparison.Ordinal));
        Assert.DoesNotContain(purls, p => p.Contains("guava", StringComparison.Ordinal));
        Assert.DoesNotContain(purls, p => p.Contains("junit", StringComparison.Ordinal));
        Assert.DoesNotContain(purls, p => p.Contains("maven-jar-plugin", StringComparison.Ordinal));
    }

    [Fact]
    public void A_self_referencing_property_ends_without_a_version()
    {
        const string pom = "<project><properties><a>${b}</a><b>${a}</b></properties><dependencies>"
            + "<dependency><groupId>g</groupId><artifactId>x</artifactId><version>${a}</version></dependency></dependencies></project>";

        Assert.Empty(Purls(pom, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void A_doctype_is_refused_so_entities_never_expand()
    {
        const string pom = """
            <?xml version="1.0"?>
            <!DOCTYPE project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <project><dependencies><dependency><groupId>g</groupId><artifactId>x</artifactId><version>&b;</version></dependency></dependencies></project>
            """;

        Assert.Empty(Purls(pom, out var problem));
        Assert.StartsWith("not valid XML", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_pom_is_a_problem()
    {
        Assert.Empty(Purls("<html><body/></html>", out var problem));
        Assert.Equal("the root element is not <project>", problem);
    }

    [Theory]
    [InlineData("app.zip!/pom.xml", true)]
    [InlineData("app.zip!/service/pom.xml", true)]
    [InlineData("app.zip!/lib/x.jar!/META-INF/maven/g/x/pom.xml", false)]
    [InlineData("app.zip!/service/mypom.xml", false)]
    public void Only_a_projects_own_pom_is_read_not_one_a_jar_embeds(string path, bool handled)
    {
        Assert.Equal(handled, PomXmlCataloger.Handles(path));
    }
}
