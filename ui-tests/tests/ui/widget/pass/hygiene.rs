// The expansion names everything by absolute path: user items shadowing
// prelude and std names (`Option`, `Vec`, `String`, `Box`, `Into`, ...), or a
// local `core`/`std` module, do not change what `widget!` means.

// `vendor:` and `lucide:` icons are Python-only opt-ins.
#![allow(dead_code, non_camel_case_types, deprecated)]

mod shadowed {
    use ::widget_dsl::widget;

    struct Option;
    struct Some;
    struct None;
    struct Vec;
    struct String;
    struct Box;
    struct Into;
    struct From;
    struct IntoIterator;
    struct Iterator;
    struct Result;
    struct Ok;
    struct Default;
    struct Container;
    struct ChildOf;
    struct Card;
    struct Text;
    struct Row;
    struct CardSize;
    struct IconName;
    struct unreachable;
    mod core {}
    mod std {}
    mod serde {}
    mod serde_json {}
    mod widget_dsl {}

    // Names the expansion binds internally, used by the caller too.
    fn build(__chatkit_widget: u32, __chatkit_children: &str) -> ::widget_dsl::Card {
        let items = [__chatkit_children, "b"];
        widget! {
            Card {
                size: "md",
                Row {
                    gap: __chatkit_widget,
                    for item in items {
                        Text { value: item }
                    }
                    if let ::core::option::Option::Some(first) = items.first() {
                        Badge { label: *first }
                    }
                }
                Box { Icon { name: "vendor:logo" } Icon { name: "lucide:x" } Icon { name: "star" } }
            }
        }
    }

    fn list() -> ::widget_dsl::ListView {
        widget! { ListView { limit: "auto", ListViewItem { Spacer {} } } }
    }

    pub fn run() {
        let card = build(4, "a");
        ::std::assert_eq!(list().children.len(), 1);
        let json = ::serde_json::to_value(&card).unwrap();
        ::std::assert_eq!(json["children"][0]["gap"], 4);
        ::std::assert_eq!(json["children"][0]["children"][2]["label"], "a");
    }
}

// No prelude at all: the expansion needs nothing from it.
#[no_implicit_prelude]
mod bare {
    pub fn run() {
        let names = ["a", "b"];
        let maybe: ::core::option::Option<::widget_dsl::Badge> = ::core::option::Option::None;
        let list = ::widget_dsl::widget! {
            ListView {
                limit: 2,
                for name in names {
                    ListViewItem {
                        Text { value: name, size: "sm" }
                        {::core::clone::Clone::clone(&maybe)}
                        Transition { Icon { name: "lucide:check" } }
                    }
                }
            }
        };
        ::std::assert_eq!(list.children.len(), 2);
        let row = ::chatkit_runtime::widget! { Row { Badge { label: "x" } } };
        ::std::assert!(row.children.is_some());
    }
}

fn main() {
    shadowed::run();
    bare::run();
}
