// Filled by the staff-development work.
namespace pumpurs::training {}
