using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Todo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddTodoVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Version",
                table: "Todos",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Existing todos get a random version each, as new ones do (see TodoItem.Version), not all the same 0.
            // random() is a double in [0, 1): spread it over nearly all of bigint, never past its ends.
            migrationBuilder.Sql("""
                UPDATE "Todos" SET "Version" = ((random() - 0.5) * 18e18)::bigint;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Version",
                table: "Todos");
        }
    }
}
