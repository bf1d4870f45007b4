using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Todo.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Existing todos get a random version each, as new ones do (see TodoItem.Version), not all the same 0.
            // SQLite's random() is a random 64-bit integer.
            migrationBuilder.Sql("""
                UPDATE "Todos" SET "Version" = random();
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
