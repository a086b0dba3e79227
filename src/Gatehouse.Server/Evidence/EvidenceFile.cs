namespace Gatehouse.Server.Evidence;

/// <summary>An evidence item's file, opened for download (the caller disposes <see cref="Content"/>, or hands it to the response).</summary>
public sealed record EvidenceFile(Stream Content, string FileName);
