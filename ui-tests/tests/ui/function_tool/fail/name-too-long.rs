use chatkit_runtime::function_tool;

/// Add a task.
#[function_tool(name = "add_a_task_to_the_todo_list_of_the_user_who_is_signed_in_right_now")]
async fn add_task(title: String) -> String {
    title
}

fn main() {}
