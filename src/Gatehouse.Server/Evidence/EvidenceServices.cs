using Microsoft.AspNetCore.Mvc;
using Gatehouse.Server.Data.Blobs;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Evidence;

/// <summary>The services the evidence upload handler uses, bound as one parameter (<c>[AsParameters]</c>).</summary>
internal sealed record EvidenceServices(
    [FromServices] EvidenceVault Vault,
    [FromServices] IBlobStore Blobs,
    [FromServices] IOptions<EvidenceOptions> Options);
