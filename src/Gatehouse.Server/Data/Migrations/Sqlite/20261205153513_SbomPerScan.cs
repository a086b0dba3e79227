using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SbomPerScan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "BasedOnScanId",
                table: "scans",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeclaredSbomBlob",
                table: "scans",
                type: "TEXT",
                maxLength: 71,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SbomBlob",
                table: "scans",
                type: "TEXT",
                maxLength: 71,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VendorSbomDigest",
                table: "app_versions",
                type: "TEXT",
                maxLength: 71,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BasedOnScanId",
                table: "scans");

            migrationBuilder.DropColumn(
                name: "DeclaredSbomBlob",
                table: "scans");

            migrationBuilder.DropColumn(
                name: "SbomBlob",
                table: "scans");

            migrationBuilder.DropColumn(
                name: "VendorSbomDigest",
                table: "app_versions");
        }
    }
}
