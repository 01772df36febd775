/** Low Balance Profiles: the list (to be built). */
export function ProfilesScreen() {
  return (
    <section className="screen">
      <h1>Low balance profiles</h1>
    </section>
  );
}
