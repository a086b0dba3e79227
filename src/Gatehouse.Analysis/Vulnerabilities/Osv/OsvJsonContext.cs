using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

// Source-generated metadata: no reflection at run time; the options that bound hostile input are set in OsvParser.
[JsonSerializable(typeof(OsvRecord))]
internal sealed partial class OsvJsonContext : JsonSerializerContext;
