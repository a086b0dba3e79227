using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Listing;

/// <summary>Settings of section <c>Listing</c>.</summary>
public sealed class ListingOptions
{
    public const string Section = "Listing";

    /// <summary>Listing policy file (JSON, docs/lifecycle.md). Empty: the built-in default. Loaded at start-up; a changed file becomes a new version.</summary>
    [CustomValidation(typeof(ListingOptions), nameof(ValidatePolicyFile))]
    public string? PolicyFile { get; set; }

    /// <summary>The rule on <see cref="PolicyFile"/>: unset, or a file that exists (its content is checked when it is loaded).</summary>
    public static ValidationResult? ValidatePolicyFile(string? path) =>
        string.IsNullOrWhiteSpace(path) || File.Exists(path)
            ? ValidationResult.Success
            : new ValidationResult("Listing:PolicyFile must name a readable listing policy file (docs/lifecycle.md)");
}
