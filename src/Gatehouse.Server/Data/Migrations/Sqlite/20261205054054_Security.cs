using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Security : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ParentTokenId",
                table: "personal_access_tokens",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "app_access_suspensions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AppId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    VersionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    SuspendedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    SuspendedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LiftedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LiftedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    LiftReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_app_access_suspensions", x => x.Id);
                });

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

            migrationBuilder.CreateTable(
                name: "invitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TargetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TokenHmac = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InvitedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    StaffAllowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcceptedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invitations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "totp_steps",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    LastAcceptedStep = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_totp_steps", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_totp_steps_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_personal_access_tokens_ParentTokenId",
                table: "personal_access_tokens",
                column: "ParentTokenId");

            migrationBuilder.CreateIndex(
                name: "IX_app_access_suspensions_AppId_LiftedAt",
                table: "app_access_suspensions",
                columns: new[] { "AppId", "LiftedAt" });

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

            migrationBuilder.CreateIndex(
                name: "IX_invitations_Kind_TargetId",
                table: "invitations",
                columns: new[] { "Kind", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_invitations_NormalizedEmail",
                table: "invitations",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "IX_invitations_TokenHmac",
                table: "invitations",
                column: "TokenHmac",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "app_access_suspensions");

            migrationBuilder.DropTable(
                name: "blob_uploads");

            migrationBuilder.DropTable(
                name: "invitations");

            migrationBuilder.DropTable(
                name: "totp_steps");

            migrationBuilder.DropIndex(
                name: "IX_personal_access_tokens_ParentTokenId",
                table: "personal_access_tokens");

            migrationBuilder.DropColumn(
                name: "ParentTokenId",
                table: "personal_access_tokens");
        }
    }
}
