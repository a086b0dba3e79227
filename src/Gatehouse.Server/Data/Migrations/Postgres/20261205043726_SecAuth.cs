using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SecAuth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ParentTokenId",
                table: "personal_access_tokens",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "totp_steps",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    LastAcceptedStep = table.Column<long>(type: "bigint", nullable: false)
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
