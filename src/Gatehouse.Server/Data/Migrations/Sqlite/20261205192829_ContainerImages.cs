using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Server.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 71,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RegistryCredentialId",
                table: "app_versions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SmokeSpecJson",
                table: "app_versions",
                type: "TEXT",
                maxLength: 8000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "registry_credentials",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Registry = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Username = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_registry_credentials", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "registry_images",
                columns: table => new
                {
                    VersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AppId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Repository = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Tag = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ManifestDigest = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    MediaType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PushedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RemovedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
