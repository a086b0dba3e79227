using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Gatehouse.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsageMonitoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "usage_alerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AppId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    DetectorId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DetectorVersion = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    InstallationId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: false),
                    Explanation = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    EvidenceFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EvidenceTo = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Metric = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Observed = table.Column<double>(type: "double precision", nullable: false),
                    Baseline = table.Column<double>(type: "double precision", nullable: false),
                    RaisedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Occurrences = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Action = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    CloseReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "usage_event_receipts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Source = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    EventId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_event_receipts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "usage_minutes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AppId = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    CredentialId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Endpoint = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Scope = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Minute = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    Status2xx = table.Column<long>(type: "bigint", nullable: false),
                    Status4xx = table.Column<long>(type: "bigint", nullable: false),
                    Status5xx = table.Column<long>(type: "bigint", nullable: false),
                    Unauthorized401 = table.Column<long>(type: "bigint", nullable: false),
                    Forbidden403 = table.Column<long>(type: "bigint", nullable: false),
                    TooMany429 = table.Column<long>(type: "bigint", nullable: false),
                    ScopeViolations = table.Column<long>(type: "bigint", nullable: false),
                    BytesOut = table.Column<long>(type: "bigint", nullable: false),
                    Pages = table.Column<long>(type: "bigint", nullable: false),
                    NotInstalledCalls = table.Column<long>(type: "bigint", nullable: false),
                    LatencyMsSum = table.Column<double>(type: "double precision", nullable: false),
                    LatencyMsMax = table.Column<double>(type: "double precision", nullable: false),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_minutes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "usage_throttles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AppId = table.Column<Guid>(type: "uuid", nullable: false),
                    Factor = table.Column<double>(type: "double precision", nullable: false),
                    From = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    SetBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    LiftedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LiftedBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_throttles", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_usage_alerts_AppId_DetectorId_Status",
                table: "usage_alerts",
                columns: new[] { "AppId", "DetectorId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_alerts_Status_RaisedAt",
                table: "usage_alerts",
                columns: new[] { "Status", "RaisedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_event_receipts_ReceivedAt",
                table: "usage_event_receipts",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_usage_event_receipts_Source_EventId",
                table: "usage_event_receipts",
                columns: new[] { "Source", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_usage_minutes_AppId_Minute",
                table: "usage_minutes",
                columns: new[] { "AppId", "Minute" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_minutes_Minute",
                table: "usage_minutes",
                column: "Minute");

            migrationBuilder.CreateIndex(
                name: "IX_usage_minutes_TenantId_Minute",
                table: "usage_minutes",
                columns: new[] { "TenantId", "Minute" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_throttles_AppId_Until",
                table: "usage_throttles",
                columns: new[] { "AppId", "Until" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "usage_alerts");

            migrationBuilder.DropTable(
                name: "usage_event_receipts");

            migrationBuilder.DropTable(
                name: "usage_minutes");

            migrationBuilder.DropTable(
                name: "usage_throttles");
        }
    }
}
