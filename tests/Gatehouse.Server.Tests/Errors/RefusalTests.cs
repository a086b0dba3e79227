using Gatehouse.Server.Errors;

namespace Gatehouse.Server.Tests.Errors;

/// <summary>
/// A service's <see cref="Refusal"/> becomes exactly the problem the API answered with before services existed
/// (<see cref="Problems"/>), and a problem built elsewhere (the blob upload's) becomes the same refusal again.
/// </summary>
public sealed class RefusalTests
{
    public static TheoryData<string> Kinds => ["not-found", "forbidden", "invalid", "conflict"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_refusal_is_the_same_problem_as_before(string kind)
    {
        var (refusal, problem) = kind switch
        {
            "not-found" => (Refusal.NotFound("Version"), Problems.NotFound("Version")),
            "forbidden" => (Refusal.Forbidden("only members"), Problems.Forbidden("only members")),
            "invalid" => (Refusal.Invalid("name is required"), Problems.Invalid("name is required")),
            _ => (Refusal.Conflict("this version exists"), Problems.Conflict("this version exists")),
        };

        var made = refusal.ToProblem();

        Assert.Equal(problem.StatusCode, made.StatusCode);
        Assert.Equal(problem.ProblemDetails.Title, made.ProblemDetails.Title);
        Assert.Equal(problem.ProblemDetails.Detail, made.ProblemDetails.Detail);
        Assert.Equal(problem.ProblemDetails.Type, made.ProblemDetails.Type);
        Assert.Equal(problem.ProblemDetails.Extensions, made.ProblemDetails.Extensions);
    }

    [Fact]
    public void Extensions_keep_their_order_after_the_code()
    {
        var refusal = new Refusal(409, ProblemCodes.AgreementOutdated, "Not the current agreement", "version 1 is not the current version 2",
            new Dictionary<string, object?> { ["currentVersion"] = 2, ["currentSha256"] = "ab" });

        var made = refusal.ToProblem();

        Assert.Equal(["code", "currentVersion", "currentSha256"], made.ProblemDetails.Extensions.Keys);
        var back = Refusal.From(made);
        Assert.Equal((refusal.Status, refusal.Code, refusal.Title, refusal.Detail), (back.Status, back.Code, back.Title, back.Detail));
        Assert.Equal(refusal.Extra, back.Extra);
    }

    [Fact]
    public void The_message_is_the_detail_else_the_title()
    {
        Assert.Equal("Version not found", Refusal.NotFound("Version").Message);
        Assert.Equal("only members", Refusal.Forbidden("only members").Message);
    }
}
