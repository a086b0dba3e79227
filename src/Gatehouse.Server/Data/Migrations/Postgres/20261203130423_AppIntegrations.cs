using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AppIntegrations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AppId",
                table: "webhook_endpoints",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Target",
                table: "scans",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AuthorizationId",
                table: "installations",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UninstalledBy",
                table: "installations",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EndpointsJson",
                table: "app_versions",
                type: "character varying(8000)",
                maxLength: 8000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextProbeAt",
                table: "app_versions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_webhook_endpoints_AppId",
                table: "webhook_endpoints",
                column: "AppId");

            migrationBuilder.CreateIndex(
                name: "IX_installations_AppId",
                table: "installations",
                column: "AppId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_webhook_endpoints_AppId",
                table: "webhook_endpoints");

            migrationBuilder.DropIndex(
                name: "IX_installations_AppId",
                table: "installations");

            migrationBuilder.DropColumn(
                name: "AppId",
                table: "webhook_endpoints");

            migrationBuilder.DropColumn(
                name: "Target",
                table: "scans");

            migrationBuilder.DropColumn(
                name: "AuthorizationId",
                table: "installations");

            migrationBuilder.DropColumn(
                name: "UninstalledBy",
                table: "installations");

            migrationBuilder.DropColumn(
                name: "EndpointsJson",
                table: "app_versions");

            migrationBuilder.DropColumn(
                name: "NextProbeAt",
                table: "app_versions");
        }
    }
}
