using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SecBlobUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "blob_uploads",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Digest = table.Column<string>(type: "TEXT", maxLength: 71, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blob_uploads", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_blob_uploads_Digest",
                table: "blob_uploads",
                column: "Digest");

            migrationBuilder.CreateIndex(
                name: "IX_blob_uploads_OrganizationId_Digest",
                table: "blob_uploads",
                columns: new[] { "OrganizationId", "Digest" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_blob_uploads_UploadedAt",
                table: "blob_uploads",
                column: "UploadedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "blob_uploads");
        }
    }
}
