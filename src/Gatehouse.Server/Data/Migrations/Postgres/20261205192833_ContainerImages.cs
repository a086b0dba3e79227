using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ContainerImages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ImageManifestDigest",
                table: "app_versions",
                type: "character varying(71)",
                maxLength: 71,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RegistryCredentialId",
                table: "app_versions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SmokeSpecJson",
                table: "app_versions",
                type: "character varying(8000)",
                maxLength: 8000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "registry_credentials",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Registry = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Username = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_registry_credentials", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "registry_images",
                columns: table => new
                {
                    VersionId = table.Column<Guid>(type: "uuid", nullable: false),
                    AppId = table.Column<Guid>(type: "uuid", nullable: false),
                    Repository = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Tag = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ManifestDigest = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    MediaType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PushedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RemovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_registry_images", x => x.VersionId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_registry_credentials_OrganizationId",
                table: "registry_credentials",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_registry_images_AppId",
                table: "registry_images",
                column: "AppId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "registry_credentials");

            migrationBuilder.DropTable(
                name: "registry_images");

            migrationBuilder.DropColumn(
                name: "ImageManifestDigest",
                table: "app_versions");

            migrationBuilder.DropColumn(
                name: "RegistryCredentialId",
                table: "app_versions");

            migrationBuilder.DropColumn(
                name: "SmokeSpecJson",
                table: "app_versions");
        }
    }
}
